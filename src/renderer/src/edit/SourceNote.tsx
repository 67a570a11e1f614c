import { useApi, useTransport } from '../providers/BackendProvider';
import { useQuery } from '../hooks/useQuery';

export interface SourceNoteProps {
  /** The photo the panel edits. */
  photoId: number;
  /** How many sources the setup has chosen (the panel uses the first). */
  sourceCount: number;
  /** What the panel does with it, e.g. 'Slider edit of'. */
  action: string;
}

/** Names the source photo a slider edit or sweep works on (the setup's first source), with its thumbnail. */
export function SourceNote({ photoId, sourceCount, action }: SourceNoteProps) {
  const api = useApi();
  const transport = useTransport();
  const photo = useQuery(() => api['photo.get']({ photoId }), `source-note-${photoId}`);
  return (
    <p className="edit-source-note" data-testid="edit-source-note">
      {photo.data && <img src={transport.blobUrl(photo.data.hash, 'thumb')} alt="" />}
      <span>
        {action} <strong>{photo.data?.fileName ?? `photo ${photoId}`}</strong>
        {sourceCount > 1 && <span className="muted"> (the first of the setup’s {sourceCount} sources)</span>}
      </span>
    </p>
  );
}
