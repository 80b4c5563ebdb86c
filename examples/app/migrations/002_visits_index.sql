CREATE INDEX visits_seen_at ON visits (seen_at);
