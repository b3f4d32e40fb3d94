DROP TABLE example_items;
