export * from './officialDocument.js';
export * from './dossierDocuments.js';
export { documentRenderer, renderDossierDocument } from './renderDossierDocument.js';
