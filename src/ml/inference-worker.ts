/**
 * The thread that runs onnxruntime for strategies (predict.ts): a strategy's signals() is synchronous and
 * onnxruntime's run() is not, so the strategy's thread posts a request here and sleeps on a shared flag
 * until the answer is posted back. One InferenceSession per model file, kept for the process.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isUserError } from '../errors.js';
import { buffersOf, openSession, fileStamp, type OnnxSession } from './inference.js';

export interface PredictRequest {
  path: string;
  columns: Float64Array[];
}
export type PredictResponse = { predictions: Float64Array; hash: string; columns: Float64Array[] } | { error: { message: string; code: string; exitCode: 1 | 2 | 3 } | { unexpected: string } };

const { port, flag } = workerData as { port: MessagePort; flag: SharedArrayBuffer };
const signal = new Int32Array(flag);
const sessions = new Map<string, { stamp: string; session: Promise<OnnxSession> }>();

function reply(response: PredictResponse): void {
  // Predictions and the request's columns are moved, not copied: a million bars of 20 features are 168 MB.
  port.postMessage(response, 'predictions' in response ? [response.predictions.buffer as ArrayBuffer, ...buffersOf(response.columns)] : []);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on('message', (request: PredictRequest) => {
  void (async () => {
    try {
      const stamp = fileStamp(request.path);
      let entry = sessions.get(request.path);
      if (!entry || entry.stamp !== stamp) {
        entry = { stamp, session: openSession(request.path) };
        sessions.set(request.path, entry);
      }
      let session: OnnxSession;
      try {
        session = await entry.session;
      } catch (error) {
        sessions.delete(request.path);
        throw error;
      }
      const predictions = await session.predict(request.columns);
      reply({ predictions, hash: session.info.hash, columns: request.columns });
    } catch (error) {
      reply({ error: isUserError(error) ? { message: error.message, code: error.code, exitCode: error.exitCode } : { unexpected: String((error as Error)?.stack ?? error) } });
    }
  })();
});
parentPort?.on('message', () => undefined);
