/** The SSM hop: configuration and the URI form {@code ssm://i-0abc?region=eu-west-1}. */
package dev.fumidai.ssm;
