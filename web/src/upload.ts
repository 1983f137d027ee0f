import { authHeader, reportUnauthorized } from "./api";
import { uploadErrorMessage } from "./format";

/** What POST /uploads answers for each stored file. */
export interface UploadedFile {
  readonly id: string;
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly durationSeconds: number | null;
}

export interface UploadHandle {
  readonly done: Promise<UploadedFile>;
  abort(): void;
}

/**
 * Uploads one file with XMLHttpRequest (fetch has no upload progress), so every file gets its own
 * progress bar. Rejects with the server's error message when it refuses the file; a refusal for the
 * token (401, 403) also puts the page into its "token needed" state.
 */
export function uploadFile(file: File, onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open("POST", "/uploads");
    for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          const [stored] = JSON.parse(xhr.responseText) as UploadedFile[];
          if (stored) return resolve(stored);
        } catch {
          /* fall through */
        }
        return reject(new Error("The server accepted the file but its answer could not be read."));
      }
      // no token, a wrong one, or a viewer's: the header switches to "token needed" and opens the token form
      if (xhr.status === 401 || xhr.status === 403) reportUnauthorized();
      reject(new Error(uploadErrorMessage(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new Error(uploadErrorMessage(0, "")));
    xhr.onabort = () => reject(new Error("Upload cancelled."));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
