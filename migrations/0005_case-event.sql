-- Up Migration
-- The durable event log for aggregate follow-up (issue 17): every step of every case, written by
-- an activity, once (the key is the step's; a retried activity writes nothing twice). References,
-- kinds, units, flags, dates and the two demographic fields only: no names, no free text.
CREATE TABLE case_event (
  event_key text PRIMARY KEY,
  case_ref text NOT NULL,
  case_kind text NOT NULL,
  type text NOT NULL,
  unit text NOT NULL,
  at timestamptz NOT NULL,
  rules_version integer NOT NULL,
  flags jsonb NOT NULL,
  kon text NOT NULL,
  aldersgrupp text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_event_by_time ON case_event (at);
CREATE INDEX case_event_by_case ON case_event (case_ref, at);

-- Down Migration
DROP TABLE case_event;
