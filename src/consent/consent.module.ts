import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentEntity } from './consent.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntity])],
})
export class ConsentModule {}
