"""The account lifecycle of guide sections 1.2 and 2: creation by the school, first connection,
recovery, e-mail and password changes, merging, refusal. Mails go through the outbox."""
