-- Safe retries: the first reply to a create, kept under its idempotency key
-- (the Idempotency-Key header, or for Shipsy the body's fingerprint) and
-- replayed byte for byte to a repeat of the same request. A row without a
-- status is a request in flight; its owner refreshes nothing, so a row left
-- pending by a process that died is taken over once `locked_at` is stale.
CREATE TABLE idempotency (
  platform      text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  content_type  text,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  locked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, key)
);
