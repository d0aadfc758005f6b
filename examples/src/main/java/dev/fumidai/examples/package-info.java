// SPDX-License-Identifier: Apache-2.0
/** The runnable demo, the {@code fumidai} command-line tool and short example programs. */
package dev.fumidai.examples;
