"""One customer's record: what the store holds about them (GDPR art. 15), and erasing it."""
