"""What an interface needs to start: settings and start-up tuning."""
