import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { toDatabaseConfig } from './src/config/database.config';
import { validate } from './src/config/env.validation';
import { buildDataSourceOptions } from './src/database/data-source.options';

/** The TypeORM CLI's DataSource: same validation and same options builder as the app. */
export default new DataSource(buildDataSourceOptions(toDatabaseConfig(validate(process.env)), ['src/**/*.entity.ts']));
