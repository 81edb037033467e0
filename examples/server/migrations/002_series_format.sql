-- A series keeps the number format it was validated under (the library's
-- stored name: awb, s10, iccid, imei, gtin, sscc, or plain for none), and
-- a pool never mixes two: the library answers RULES_MISMATCH when a store
-- row of another format comes back, and this constraint is the last line
-- of defence when two processes race (SQLSTATE 23P01, as for an overlap).
ALTER TABLE series ADD COLUMN format text NOT NULL DEFAULT 'plain';
ALTER TABLE series_segment ADD COLUMN format text NOT NULL DEFAULT 'plain';
ALTER TABLE series_segment
  ADD CONSTRAINT series_segment_one_format EXCLUDE USING gist (pool WITH =, format WITH <>);
