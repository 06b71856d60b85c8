SELECT 1;
SELECT 'abc;
more text
