-- seriesguard reference store. Every stored range lives in its pool (the
-- platform, then the pool key the library gives: prefix, suffix, width,
-- check-digit scheme, scope), as a half-open numeric range of serials.
-- numrange, not int8range: serials have up to 38 digits (ICCIDs have 19-20).
-- The library checks overlaps first; the exclusion constraint is the last
-- line of defence when two processes race. Because the pool is part of the
-- constraint, the same schema shards by pool (Citus) or partitions by pool.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE series (
  seq          bigserial UNIQUE,
  id           text PRIMARY KEY,
  platform     text NOT NULL CHECK (platform IN ('shipsy', 'mor', 'abillity')),
  scope        text NOT NULL,
  start_id     text NOT NULL,
  end_id       text NOT NULL,
  count        numeric(39, 0) NOT NULL CHECK (count >= 1),
  fingerprint  text NOT NULL,
  item_code    text NOT NULL DEFAULT '',
  type         text NOT NULL DEFAULT 'virtual' CHECK (type IN ('physical', 'virtual')),
  attributes   jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_by_scope ON series (platform, scope, seq);

CREATE TABLE series_segment (
  series_id  text NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  pool       text NOT NULL,
  span       numrange NOT NULL,
  -- Whole serials, stored half-open: first..last is [first, last + 1).
  CONSTRAINT span_is_whole_half_open CHECK (
    NOT isempty(span) AND lower_inc(span) AND NOT upper_inc(span)
    AND NOT lower_inf(span) AND NOT upper_inf(span)
    AND lower(span) >= 0
    AND lower(span) = trunc(lower(span)) AND upper(span) = trunc(upper(span))
  ),
  CONSTRAINT series_segment_no_overlap EXCLUDE USING gist (pool WITH =, span WITH &&)
);
CREATE INDEX series_segment_by_series ON series_segment (series_id);

-- Shipsy: API keys (Authorization: Basic <API KEY>).
CREATE TABLE api_keys (
  key          text PRIMARY KEY,
  description  text NOT NULL DEFAULT '',
  active       boolean NOT NULL DEFAULT true
);

-- MOR: users of the API (u=) and card groups.
CREATE TABLE mor_users (
  username      text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('admin', 'reseller', 'accountant', 'user')),
  manage_cards  boolean NOT NULL DEFAULT true
);
CREATE TABLE card_groups (
  id             bigint PRIMARY KEY,
  name           text NOT NULL DEFAULT '',
  number_length  integer NOT NULL CHECK (number_length BETWEEN 1 AND 38),
  -- NULL: the group's cards have no PINs.
  pin_length     integer CHECK (pin_length BETWEEN 1 AND 38)
);

-- aBILLity: order services, area codes and their number blocks, reservations.
CREATE TABLE order_services (
  id        bigint PRIMARY KEY,
  is_quote  boolean NOT NULL DEFAULT true
);
CREATE TABLE area_codes (
  area_code     text PRIMARY KEY CHECK (char_length(area_code) <= 11),
  first_number  text NOT NULL CHECK (first_number ~ '^[0-9]{1,38}$'),
  last_number   text NOT NULL CHECK (last_number ~ '^[0-9]{1,38}$'),
  -- Bumped by every reservation: a process's cached index of the area is
  -- current while the version it read is.
  version       bigint NOT NULL DEFAULT 0,
  CHECK (char_length(first_number) = char_length(last_number))
);
CREATE SEQUENCE stock_number_id;
CREATE TABLE stock_numbers (
  id                bigint PRIMARY KEY,
  order_service_id  bigint NOT NULL REFERENCES order_services (id),
  area_code         text NOT NULL REFERENCES area_codes (area_code),
  quantity          integer NOT NULL CHECK (quantity >= 1),
  -- NULL: the documented null range (not enough numbers left).
  series_id         text REFERENCES series (id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_numbers_by_service ON stock_numbers (order_service_id);
