"""Sending the outbox through the merchant's SMTP account (see ``sender``)."""
