/**
 * The runtime side of the bridge, for tools and tests: `serve` (what a policy bundle exports),
 * `buildPolicyBundle`, request builders and the protocol. Not part of the main `mesos-policy`
 * entry point: it brings protobufjs, and the bundler brings esbuild.
 */
export { serve, type PolicyBundle } from './serve.ts';
export { buildPolicyBundle, PolicyBundleError, type BuildPolicyBundleOptions, type PolicyBundleBuild } from './bundle.ts';
export {
  encodeRequest, decodeRequest, encodeResponse, decodeResponse, encodeRequestStream, decodeRequestStream, decodeResponseStream,
  helloRequest, toWire, type Decoded,
} from './requests.ts';
export { protocol, wire, PROTOCOL_VERSION } from './protocol.ts';
export { RUNTIME_VERSION } from './version.ts';
export { CodecError } from './codec/errors.ts';
