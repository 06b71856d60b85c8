-- leading comment: not part of the first statement
SELECT id,
       name
  FROM users
 WHERE id = 1;
INSERT INTO "Order Items" ("Qty", "Note") VALUES (3, 'a;b');   -- quoted identifiers
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
SELECT $tag$a;b$tag$, 'x;y', E'it\'s;', "semi;colon" FROM t /* ; /* nested ; */ */;
;
\set x 1
SELECT 'it''s' -- the last statement has no semicolon
