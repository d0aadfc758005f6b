/** The fumidai demo, command-line tool and example programs. */
module dev.fumidai.examples {
    requires dev.fumidai.core;

    exports dev.fumidai.examples;
}
