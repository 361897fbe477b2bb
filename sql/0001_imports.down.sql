DROP TABLE import_errors;
DROP TABLE import_documents;
DROP TABLE imports;
DROP TABLE data_sources;
