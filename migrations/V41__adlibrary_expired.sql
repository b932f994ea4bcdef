-- A capture whose screenshots and reports were removed after
-- adlibrary.keep_days (the rows stay: they carry the diff history).
ALTER TABLE adlib_captures ADD COLUMN expired BOOLEAN NOT NULL DEFAULT FALSE;
