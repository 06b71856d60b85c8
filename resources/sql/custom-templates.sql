-- Example read templates for the Workload panel's custom SQL field (demo schema).
-- One statement per line after its "-- name:" line; :key is replaced by a key drawn from the
-- workload's distribution (1..keys).
-- name: customer by id
SELECT id, name, email, country, discount FROM customers WHERE id = :key
-- name: products of a category
SELECT id, name, price FROM products WHERE category = (SELECT category FROM products WHERE id = :key) LIMIT 20
-- name: order count of a customer
SELECT COUNT(*), SUM(quantity) FROM orders WHERE customer_id = :key
