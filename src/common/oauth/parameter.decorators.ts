import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** A required form parameter (RFC 6749 §3.1): a single string of at most `maxLength` characters. */
export function RequiredParameter(maxLength: number): PropertyDecorator {
  const missing = { message: '$property is required' };
  return applyDecorators(IsString(missing), IsNotEmpty(missing), MaxLength(maxLength));
}

/** An optional form parameter: absent, empty (RFC 6749 §3.1: omitted) or one string of at most `maxLength`. */
export function OptionalParameter(maxLength: number): PropertyDecorator {
  return applyDecorators(IsOptional(), IsString(), MaxLength(maxLength));
}

/**
 * A parameter that may be sent more than once, such as RFC 8707 `resource`: always an array after
 * validation, of at most `maxCount` strings of at most `maxLength` characters.
 */
export function RepeatableParameter(maxCount: number, maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value)),
    IsArray(),
    ArrayMaxSize(maxCount),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
  );
}
