/** The runnable demo, the {@code fumidai} command-line tool and short example programs. */
package dev.fumidai.examples;
