// SPDX-License-Identifier: Apache-2.0
/**
 * Retry timing shared by the fumidai modules: {@link dev.fumidai.internal.retry.Backoff}. Internal: exported only
 * to the fumidai audit and SSM modules, no compatibility promise.
 */
package dev.fumidai.internal.retry;
