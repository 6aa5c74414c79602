import { ValidateIf } from 'class-validator';

/** Like @IsOptional, but only for an absent field: an explicit null is still validated (and refused). */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
