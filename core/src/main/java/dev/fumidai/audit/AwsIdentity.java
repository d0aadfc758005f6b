// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Describes the caller's AWS identity for SSM hops ({@code credential.aws}, class sensitive). */
public record AwsIdentity(String arn, String accessKeyId, String sessionContext) {
}
