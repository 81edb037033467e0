-- The number lifecycle (src/pools.mjs): pools, their append-only event
-- trail, and the segment table of their states. seriesguard decides every
-- change; this schema keeps what it decided and guards it.

CREATE TABLE pool_declaration (
  seq          bigserial UNIQUE,
  name         text PRIMARY KEY,
  parent       text REFERENCES pool_declaration (name),
  -- The declare request as it was accepted (what a replay is given).
  declaration  jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Every change of every range, in order: replaying it rebuilds the pools.
CREATE TABLE pool_event (
  seq    bigserial PRIMARY KEY,
  pool   text NOT NULL REFERENCES pool_declaration (name),
  at     timestamptz NOT NULL,
  op     text NOT NULL,
  event  jsonb NOT NULL
);
CREATE INDEX pool_event_by_pool ON pool_event (pool, seq);

-- The pools' states as ranges of serials, half-open as in series_segment.
-- A pool's ranges never overlap; and within one pool tree (a root and the
-- pools it handed numbers down to) no number is ever reserved, assigned,
-- cooling or blocked twice: every range that is not available (a parent's
-- handed-down range is its child's to hold) is under the second constraint,
-- whatever the processes do.
CREATE TABLE pool_segment (
  pool    text NOT NULL REFERENCES pool_declaration (name),
  root    text NOT NULL,
  span    numrange NOT NULL,
  state   text NOT NULL CHECK (state IN ('available', 'reserved', 'assigned', 'cooling', 'blocked', 'handedDown')),
  until   timestamptz,
  holder  text NOT NULL DEFAULT '',
  CONSTRAINT pool_span_is_whole_half_open CHECK (
    NOT isempty(span) AND lower_inc(span) AND NOT upper_inc(span)
    AND NOT lower_inf(span) AND NOT upper_inf(span) AND lower(span) >= 0
    AND lower(span) = trunc(lower(span)) AND upper(span) = trunc(upper(span))
  ),
  CONSTRAINT pool_segment_disjoint EXCLUDE USING gist (pool WITH =, span WITH &&),
  CONSTRAINT pool_segment_held_once EXCLUDE USING gist (root WITH =, span WITH &&)
    WHERE (state NOT IN ('available', 'handedDown'))
);
-- The sweep's question: what expires next.
CREATE INDEX pool_segment_expiring ON pool_segment (until) WHERE state IN ('reserved', 'cooling');
