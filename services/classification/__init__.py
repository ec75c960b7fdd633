"""Classification of incoming documents: references, the model, the filing decision."""
