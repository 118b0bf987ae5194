/**
 * What an error says, in one place. Owns the request errors every layer throws
 * ({@link dev.freight.error.InvalidRequestException}, {@link dev.freight.error.ForbiddenRequestException},
 * {@link dev.freight.error.IdempotencyKeyReusedException}), the list of error codes clients switch on
 * ({@link dev.freight.error.ProblemCode}: problem+json {@code code}, a failed job's {@code error_code}, an audit
 * event's {@code code}; the OpenAPI document lists them from it), and the wording of messages
 * ({@link dev.freight.error.Messages}: how a caller's value is quoted back, how choices are listed, the one sentence
 * for an unknown name).
 *
 * <p>Imports nothing of Freight, only the JDK, so that every package may import it ({@code source}, {@code format},
 * {@code query}, {@code config}, {@code http} …) without a cycle. How an error becomes an HTTP answer (statuses,
 * headers, the problem+json body) belongs to {@code http}; what a failure means for a job, to {@code job}.
 */
package dev.freight.error;
