// SPDX-License-Identifier: Apache-2.0
/**
 * A fake AWS Session Manager for tests and local experiments (SSM spec §12): the JSON 1.1 control plane, the
 * data-channel websocket and an SSM Agent emulation with fault injection, on 127.0.0.1 only.
 *
 * <p>It ships in the test-jar of {@code fumidai-transport-ssm} (Maven {@code <type>test-jar</type>}), never in
 * the production jar, since it is an unauthenticated HTTP and websocket server. To run it on its own, put the
 * main jar, the test-jar and their runtime dependencies on one class path:
 * <pre>
 * mvn -q -pl transport-ssm -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=/tmp/ssm.cp
 * java -cp transport-ssm/target/fumidai-transport-ssm-0.1.0-SNAPSHOT.jar:transport-ssm/target/fumidai-transport-ssm-0.1.0-SNAPSHOT-tests.jar:$(cat /tmp/ssm.cp) \
 *     dev.fumidai.ssm.fake.FakeSsmService --help
 * </pre>
 */
package dev.fumidai.ssm.fake;
