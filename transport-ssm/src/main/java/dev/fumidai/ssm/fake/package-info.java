/**
 * A fake AWS Session Manager for tests and local experiments ({@code docs/transport-ssm.md}): the JSON 1.1 control plane, the
 * data-channel websocket and an SSM Agent emulation with fault injection, on 127.0.0.1 only.
 */
package dev.fumidai.ssm.fake;
