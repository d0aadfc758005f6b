// SPDX-License-Identifier: Apache-2.0
/**
 * The fumidai API: {@code JumpHost}, {@link dev.fumidai.Target}, routes, local forwards, tunnel connections
 * and the exceptions that name the hop. Only JDK types appear here.
 */
package dev.fumidai;
