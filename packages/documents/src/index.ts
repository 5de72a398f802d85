export * from './officialDocument.js';
export * from './dossierDocuments.js';
export { renderDossierDocument } from './renderDossierDocument.js';
