import { ValidationError, ValidationPipe } from '@nestjs/common';
import { OAuthError } from '../oauth/oauth.error';

function firstProblem(errors: ValidationError[]): string {
  for (const error of errors) {
    if (error.constraints?.whitelistValidation) return `Unknown parameter "${error.property}"`;
    // A repeated form parameter arrives as an array (RFC 6749 §3.1: parameters must not repeat).
    if (Array.isArray(error.value)) return `Parameter "${error.property}" must not be repeated`;
    const reasons = Object.values(error.constraints ?? {});
    if (reasons.length > 0) return reasons[0];
    if (error.children?.length) return firstProblem(error.children);
  }
  return 'Invalid request';
}

/** The global pipe: whitelist, forbid unknown fields, transform; failures are invalid_request. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => OAuthError.invalidRequest(firstProblem(errors)),
  });
}
