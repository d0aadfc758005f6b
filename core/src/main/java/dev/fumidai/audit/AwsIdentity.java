// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/** Describes the caller's AWS identity for SSM hops ({@code credential.aws}, class sensitive). */
public record AwsIdentity(@Nullable String arn, String accessKeyId, @Nullable String sessionContext) {
}
