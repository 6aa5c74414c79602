import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidatorOptions } from 'class-validator';
import { OAuthError } from '../oauth/oauth.error';
import { RawParameters, refuseStructuredParameters } from '../oauth/parameters';

const OAUTH_PARAMETERS = Symbol('oauth-parameters');

/**
 * Marks a DTO as the parameters of an OAuth endpoint. RFC 6749 §3.1 and §3.2: unrecognized
 * parameters are ignored and a parameter sent without a value counts as omitted. A known parameter
 * sent twice, or in a qs-style shape (`code[a]=b`), is still invalid_request.
 */
export function OAuthParameters(): ClassDecorator {
  return (target) => Reflect.defineMetadata(OAUTH_PARAMETERS, true, target);
}

function firstProblem(errors: ValidationError[]): string {
  for (const error of errors) {
    if (error.constraints?.whitelistValidation) return `Unknown parameter '${error.property}'`;
    const reasons = Object.values(error.constraints ?? {});
    // A repeated form parameter arrives as an array (RFC 6749 §3.1: parameters must not repeat),
    // unless the parameter is a repeatable one, whose own constraints then say what is wrong.
    if (Array.isArray(error.value) && !reasons.some(isEachValueProblem) && !error.constraints?.arrayMaxSize) {
      return `Parameter '${error.property}' must not be repeated`;
    }
    if (reasons.length > 0) return reasons[0];
    if (error.children?.length) return firstProblem(error.children);
  }
  return 'Invalid request';
}

/** class-validator's message for a constraint applied to each element (`{ each: true }`). */
function isEachValueProblem(reason: string): boolean {
  return reason.startsWith('each value in ');
}

function pipe(forbidUnknown: boolean): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: forbidUnknown,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => OAuthError.invalidRequest(firstProblem(errors)),
  });
}

const lenient = pipe(false);

/** What the lenient pipe asks of class-validator, for the direct path below. */
const LENIENT_VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: false,
  stopAtFirstError: true,
  validationError: { target: false, value: true },
};

/**
 * Validates an OAuth endpoint's parameters against a DTO class (class-validator) with the rules of
 * OAuthParameters; for parameters that depend on the request, e.g. the grant's at the token endpoint.
 * A form body (an object of strings) goes straight to class-transformer and class-validator, which is
 * what the pipe does for it without the pipe's own checks (a third of its cost on the token and
 * introspection routes; OAuth parameters have no asynchronous rules). Anything else takes the pipe.
 */
export async function validateOAuthParameters<T extends object>(metatype: new () => T, value: unknown): Promise<T> {
  const parameters = withoutEmptyValues(value, metatype);
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return (await lenient.transform(parameters, { type: 'body', metatype })) as T;
  }
  const entity = plainToInstance(metatype, parameters);
  const errors = validateSync(entity, LENIENT_VALIDATION);
  if (errors.length > 0) throw OAuthError.invalidRequest(firstProblem(errors));
  return entity;
}

/**
 * The global pipe: whitelist and transform every body, query and parameter object; unknown
 * fields are refused, except on OAuth endpoints (see OAuthParameters). Failures are invalid_request.
 */
@Injectable()
export class AppValidationPipe implements PipeTransform {
  private readonly strict = pipe(true);

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const metatype = metadata.metatype;
    if (!metatype || !Reflect.getMetadata(OAUTH_PARAMETERS, metatype)) return this.strict.transform(value, metadata);
    if (metadata.type !== 'body') return lenient.transform(withoutEmptyValues(value, metatype), metadata);
    return validateOAuthParameters(metatype as new () => object, value);
  }
}

function withoutEmptyValues(value: unknown, metatype: abstract new (...args: never[]) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  refuseStructuredParameters(value as RawParameters, declaredParameters(metatype));
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted."
    if (field === '') continue;
    result[key] = field;
  }
  return result;
}

const declaredByClass = new WeakMap<object, readonly string[]>();

/**
 * The parameter names a DTO declares through its class-validator decorators. Decorators run when the
 * class is defined, so the list is read once per class (not on every request).
 */
export function declaredParameters(metatype: abstract new (...args: never[]) => unknown): readonly string[] {
  let names = declaredByClass.get(metatype);
  if (names === undefined) {
    const entries = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
    names = [...new Set(entries.map((entry) => entry.propertyName))];
    declaredByClass.set(metatype, names);
  }
  return names;
}
