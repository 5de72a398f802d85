/**
 * The one stylesheet: small (a few kilobytes, well under the 150 KB budget of a first load on a slow mobile
 * link), works from 360 px wide, visible focus, colours with AA contrast. Served with a long cache lifetime.
 */
export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans","Segoe UI",Arial,sans-serif;font-size:1rem;line-height:1.5;color:#0b0c0c;background:#fff}
.width{max-width:960px;margin:0 auto;padding:0 15px}
a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,[tabindex]:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 -2px #fd0,0 4px #0b0c0c;background-color:#fd0;color:#0b0c0c}
input:focus,select:focus,textarea:focus{background-color:#fff;box-shadow:inset 0 0 0 2px #0b0c0c}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{position:static;display:block;padding:10px 15px}
.header{background:#0b0c0c;color:#fff;padding:10px 0;border-bottom:8px solid #1d70b8}
.header .width{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;justify-content:space-between}
.header a,.header .link-button{color:#fff}
.header-name{font-weight:700;font-size:1.2rem;text-decoration:none}
.header-nav{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:.9rem}
.inline{display:inline;margin:0}
.link-button{background:none;border:0;padding:0;font:inherit;color:#1d70b8;text-decoration:underline;cursor:pointer}
main{padding:20px 15px 40px;display:block}
h1{font-size:1.8rem;line-height:1.2;margin:10px 0 20px}h2{font-size:1.35rem;margin:30px 0 15px}
.caption{color:#505a5f;font-size:1.1rem;display:block;margin-bottom:5px}caption.caption{text-align:left}
table{width:100%;border-collapse:collapse;margin-bottom:20px;font-size:.95rem}
th,td{text-align:left;padding:8px 10px 8px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
.table-wrap{overflow-x:auto}
.tag{display:inline-block;padding:2px 8px;font-size:.85rem;font-weight:700;letter-spacing:.02em;white-space:nowrap}
.dossier-code{white-space:nowrap}
.tag-grey{background:#eeefef;color:#383f43}.tag-blue{background:#d2e2f1;color:#0c2d4a}.tag-green{background:#cce2d8;color:#005a30}
.tag-yellow{background:#fff7bf;color:#594d00}.tag-red{background:#f4cdc6;color:#942514}
.button{display:inline-block;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18;padding:8px 14px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none;margin:0 10px 15px 0}
.button:visited{color:#fff}.button-secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.form-group{margin-bottom:20px}.form-group-error{border-left:5px solid #d4351c;padding-left:15px}
label,.label,legend{display:block;font-weight:700;margin-bottom:5px}
.hint{color:#505a5f;display:block;margin-bottom:5px}.error-message{color:#d4351c;font-weight:700;display:block;margin-bottom:5px}
input[type=text],input[type=number],input[type=date],select,textarea{font:inherit;padding:5px;border:2px solid #0b0c0c;width:100%;max-width:30em}
input.input-error,select.input-error,textarea.input-error{border-color:#d4351c}
fieldset{border:0;padding:0;margin:0 0 20px}
.radios label{display:inline;font-weight:400;margin-right:15px}
.error-summary{border:5px solid #d4351c;padding:15px;margin-bottom:30px}.error-summary h2{margin-top:0}
.error-summary a{color:#d4351c;font-weight:700}
.notification{border:5px solid #1d70b8;padding:15px;margin-bottom:30px}.notification-success{border-color:#00703c}
.task-list{list-style:none;padding:0;margin:0 0 30px}.task-list li{display:flex;justify-content:space-between;gap:10px;border-bottom:1px solid #b1b4b6;padding:10px 0}
.summary-list{margin:0 0 30px}.summary-list div{display:flex;flex-wrap:wrap;border-bottom:1px solid #b1b4b6;padding:8px 0}
.summary-list dt{font-weight:700;flex:0 0 40%;min-width:12em}.summary-list dd{margin:0;flex:1}
.counts{display:flex;flex-wrap:wrap;gap:10px;list-style:none;padding:0}.counts li{background:#f3f2f1;padding:8px 12px}
.back-link{display:inline-block;margin:10px 0}
.footer{border-top:1px solid #b1b4b6;padding:20px 15px;font-size:.9rem}
.accounts{list-style:none;padding:0}.accounts li{margin:0 0 8px}
.accounts button{text-align:left;width:100%;max-width:40em}
pre{white-space:pre-wrap;word-break:break-word;background:#f3f2f1;padding:10px;font-size:.85rem}
.chart{margin:0 0 30px}.statechart{display:block;width:100%;max-width:580px;height:auto}
.sc-edge{fill:none;stroke:#b1b4b6;stroke-width:1.5}.sc-taken{stroke:#1d70b8;stroke-width:4}
.sc-state rect{fill:#fff;stroke:#505a5f;stroke-width:1}.sc-visited rect{fill:#d2e2f1}.sc-current rect{fill:#fd0;stroke:#0b0c0c;stroke-width:3}
.sc-state text{font-size:13px;fill:#0b0c0c}.chart-svg{display:block;width:100%;max-width:640px;height:auto}
.figures{display:flex;flex-wrap:wrap;gap:15px;margin:0 0 30px}.figure{background:#f3f2f1;padding:10px 15px;min-width:10em}
.figure dt{font-weight:400}.figure dd{margin:0;font-size:1.8rem;font-weight:700}.figure-red{background:#f4cdc6;color:#942514}
@media (max-width:640px){h1{font-size:1.5rem}th,td{padding:6px 6px 6px 0}.summary-list dt{flex-basis:100%}}
`;
