/**
 * The ONNX versions every exported graph records, apart from proto.ts so that the
 * public declarations never load onnx-proto's (protobufjs's .d.ts need a global
 * `Long` type, which fails a consumer's `skipLibCheck: false` build).
 */

/** IR version 8 (ONNX 1.10), the newest the schema can encode. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset: 15 is the newest the ONNX 1.10 schema defines; every operator used exists there unchanged since 14. */
export const ONNX_OPSET = 15;
