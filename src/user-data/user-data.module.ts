import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NoteEntity } from './note.entity';

@Module({
  imports: [TypeOrmModule.forFeature([NoteEntity])],
})
export class UserDataModule {}
