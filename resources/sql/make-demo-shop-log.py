#!/usr/bin/env python3
"""Writes demo-shop.log.gz: two minutes of a shop application's statements on the demo database's
tables (customers, products, orders), as PostgreSQL's stderr log with log_line_prefix
'%m|%u|%d|%c|' and log_min_duration_statement = 0 would have them. The app offers it as an example
query log (Workload panel, Query log, "…"); it replays on the SQLite demo and on the PostgreSQL one.
Deterministic (seeded): re-run to regenerate.
  resources/sql/make-demo-shop-log.py resources/sql/demo-shop.log.gz
"""
import datetime
import gzip
import random
import sys

random.seed(20261203)
CUSTOMERS, PRODUCTS = 1000, 500  # the demo's rows at --demo-rows-scale 0.01 and above
CATEGORIES = ['books', 'games', 'garden', 'kitchen', 'music', 'sports', 'tools', 'toys']


WEIGHTS = {}


def zipf(n, alpha=1.0):
    # Zipf over 1..n (rank 1 the most popular), like real key popularity.
    if n not in WEIGHTS:
        WEIGHTS[n] = [1.0 / (k ** alpha) for k in range(1, n + 1)]
    return random.choices(range(1, n + 1), weights=WEIGHTS[n])[0]


def statement():
    r = random.random()
    c, p = zipf(CUSTOMERS), zipf(PRODUCTS)
    if r < 0.55:
        return ['SELECT id, name, email, country, discount, version FROM customers WHERE id = %d' % c]
    if r < 0.70:
        return ['SELECT o.id, o.product_id, o.quantity, o.ordered_at\n  FROM orders o\n'
                '  WHERE o.customer_id = %d\n  ORDER BY o.ordered_at DESC LIMIT 10' % c]
    if r < 0.85:
        return ['SELECT name, category, price FROM products WHERE id = %d' % p]
    if r < 0.90:
        return ["SELECT p.category, COUNT(*) AS orders, SUM(o.quantity) AS items\n"
                "  FROM orders o JOIN products p ON p.id = o.product_id\n"
                "  WHERE p.category = '%s' GROUP BY p.category" % random.choice(CATEGORIES)]
    if r < 0.995:
        return ['SELECT id, name, price FROM products ORDER BY random() LIMIT 3']  # featured
    if r < 0.996:
        return ['BEGIN',
                'UPDATE customers SET version = version + 1 WHERE id = %d' % c,
                'SELECT version FROM customers WHERE id = %d' % c,
                'COMMIT']
    if r < 0.9975:
        return ['UPDATE orders SET quantity = quantity + 1 WHERE id = %d' % random.randint(1, 10000)]
    return ['UPDATE products SET price = price * 1.01 WHERE id = %d' % p]


def main(path):
    start = datetime.datetime(2026, 11, 30, 9, 0, 0, tzinfo=datetime.timezone.utc)
    sessions = ['6571a2b3.%x' % (0x3000 + i) for i in range(12)]
    t = 0.0
    lines = []
    while t < 120.0:
        # A lunchtime rush: 60 statements/s, rising to 240/s in the middle, back to 60.
        rate = 60 + 180 * max(0.0, 1 - abs(t - 60) / 40)
        t += random.expovariate(rate)
        session = random.choice(sessions)
        for i, sql in enumerate(statement()):
            when = start + datetime.timedelta(seconds=t + i * 0.0004)
            stamp = when.strftime('%Y-%m-%d %H:%M:%S.') + '%03d UTC' % (when.microsecond // 1000)
            duration = random.uniform(0.05, 0.4) if not sql.startswith('SELECT p.category') \
                else random.uniform(3, 9)
            text = sql.replace('\n', '\n\t')
            lines.append('%s|shop|shop|%s|LOG:  duration: %.3f ms  statement: %s\n'
                         % (stamp, session, duration, text))
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(''.join(lines).encode())
    print('%s: %d lines' % (path, len(lines)))


main(sys.argv[1] if len(sys.argv) > 1 else 'demo-shop.log.gz')
