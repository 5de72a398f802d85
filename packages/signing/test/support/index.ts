export { samplePdf } from './samplePdf.js';
export { startSigningServer, type SigningServer } from './signingServer.js';
