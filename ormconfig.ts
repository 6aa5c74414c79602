import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { toDatabaseConfig } from './src/config/database.config';
import { validate } from './src/config/env.validation';
import { resolveDataSourceOptions } from './src/database/data-source.options';

/** The TypeORM CLI's DataSource: same validation and same options builder as the app. */
export default (async () =>
  new DataSource(await resolveDataSourceOptions(toDatabaseConfig(validate(process.env)), ['src/**/*.entity.ts'])))();
