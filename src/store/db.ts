import type Database from 'better-sqlite3';

/** A connection to a hallq database (its own module so that store modules need not import open-db.ts). */
export type Db = Database.Database;
