//! Frictionless Data Package (v2) of one record: its tables, their Table Schema, sizes
//! and SHA-256. Filled in by the open-data work (issue 15).
