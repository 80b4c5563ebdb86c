CREATE TABLE visits (
  id bigserial PRIMARY KEY,
  path text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now()
);
