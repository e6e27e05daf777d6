import type { CallInput, CallOptions, OperationSpec, Transport } from "@tswats/core";

/** A transport that records each call and answers from a function of the operation. */
export class RecordingTransport implements Transport {
  readonly calls: { op: OperationSpec; input: CallInput; options: CallOptions | undefined }[] = [];
  constructor(private readonly answer: (op: OperationSpec) => unknown) {}

  async call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): Promise<T> {
    this.calls.push({ op, input, options });
    return this.answer(op) as T;
  }
}
