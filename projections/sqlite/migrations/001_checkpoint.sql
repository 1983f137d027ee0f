-- The last stream sequence applied to this file; written in the same transaction as the rows it covers.
CREATE TABLE projection_checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL
) STRICT;
INSERT INTO projection_checkpoint (id, position) VALUES (1, 0);
