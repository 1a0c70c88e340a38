"""A writer process for the concurrency and crash tests.

Usage: python writer.py DB WORKER SECONDS

Prints one line per acknowledged (committed) write, flushed at once, so the parent
knows exactly which writes it may expect to find:
  ORG <orgnr>     an organisation was registered
  INC <value>     the shared counter (collaboration 1's participants) was raised to value
  BUSY            the database stayed locked past the retries (nothing written)
"""

from __future__ import annotations

import sys
import time

from stdnum import luhn

from samverkan.domain.errors import StaleUpdate, StoreError
from samverkan.services import Services


def orgnr(worker: int, n: int) -> str:
    base = f"8{worker:02d}{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def main() -> None:
    db, worker, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    services = Services.open(db, f"writer{worker}", f"test:{worker}")
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            number = orgnr(worker, n)
            services.register_organisation(f"Förening {worker}-{n}", number)
            print(f"ORG {number}", flush=True)
            while True:  # contested optimistic update of one shared row
                c = services.collaboration(1)
                try:
                    value = int(c.participants or "0") + 1
                    services.update_collaboration(1, c.version, participants=str(value))
                    print(f"INC {value}", flush=True)
                    break
                except StaleUpdate:
                    continue
        except StoreError:
            print("BUSY", flush=True)


if __name__ == "__main__":
    main()
