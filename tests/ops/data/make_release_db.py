"""How ``release-a83679e.db`` was made: the previous release's code (commit a83679e, the
last before the delivery worker) writes a Stockholm database the way an installation
would have used it. Kept to show what the fixture holds; it is not run by the tests.

    git archive a83679e core/src plugins/stockholm/src | tar -x -C /tmp/prev
    # an entry point for that release's Stockholm plugin (its module has no `plugin` attribute)
    mkdir -p /tmp/prev/site/samverkan_prev-0.1.dist-info
    printf 'Metadata-Version: 2.1\\nName: samverkan-prev\\nVersion: 0.1\\n' > /tmp/prev/site/samverkan_prev-0.1.dist-info/METADATA
    printf '[samverkan]\\nstockholm = samverkan_stockholm.plugin\\n' > /tmp/prev/site/samverkan_prev-0.1.dist-info/entry_points.txt
    PYTHONPATH=/tmp/prev/site:/tmp/prev/core/src:/tmp/prev/plugins/stockholm/src \\
        SAMVERKAN_LOAD_PLUGINS=stockholm python tests/ops/data/make_release_db.py OUT.db

It holds the demo data, users with keys, notifications that were sent, one whose
delivery failed once (the server was down), and one never tried.
"""

from __future__ import annotations

import socket
import sys

from aiosmtpd.controller import Controller

from samverkan.services import Services


class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(path: str) -> None:
    s = Services.open(path, "admin", "local")
    s.set_municipality("stockholm")
    from samverkan.services.demo import load_demo

    load_demo(s, "stockholm")
    s.add_user("admin", "admin,officer,manager")
    s.add_user("eva", "officer", unit="Jobbtorg Stockholm",
               public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7aS0X4h4Z3pWl3Y2Q0Zk5uYk1QYzZqT0lqbVlWd3 eva@laptop")
    port = free_port()
    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        print(s.deliver_outbox({"host": "127.0.0.1", "port": port, "sender": "samverkan@stockholm.se"}))
    finally:
        controller.stop()
    org = s.organisations()[0].id
    s.register_initiative("Försökte skickas när servern låg nere", "iop", [org])
    print(s.deliver_outbox({"host": "127.0.0.1", "port": free_port(), "sender": "samverkan@stockholm.se"}))
    s.register_initiative("Aldrig försökt", "iop", [org])
    s.store.checkpoint()
    s.store.conn.execute("VACUUM")
    s.store.close()


if __name__ == "__main__":
    main(sys.argv[1])
