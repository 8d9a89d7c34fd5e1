"""Reading the sending account's mailbox (IMAP): unsubscribes, bounces, complaints, Sent checks."""
