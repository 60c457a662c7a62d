-- A run that ends before any job (checkout or compile failure) says why.
ALTER TABLE runs ADD COLUMN reason TEXT;
