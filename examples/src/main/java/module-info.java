/** The fumidai demo, command-line tool and example programs. */
module dev.fumidai.examples {
    requires dev.fumidai.core;
    requires dev.fumidai.audit;

    exports dev.fumidai.examples;
}
